# Softmax regression: the cross-entropy of a linear classifier, averaged over a batch of four samples.
input x_n = [[1.0, 0.5, -0.5], [-1.0, 2.0, 0.0], [0.5, -1.5, 1.0], [2.0, 0.0, -1.0]]
target y_n = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0]]     # one-hot: 3 classes
param b[3]

z_n = W x_n + b                         # the logits of sample n
L = 1/N Σ_n cross_entropy(z_n, y_n)
