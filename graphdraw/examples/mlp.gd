# A two-layer MLP: relu hidden units, a softmax output and the cross-entropy of one sample.
dim H = 4
input x[3]
target y = [0, 1]          # one-hot: the sample is of class 2
param W_1[H, 3], b_1[H], W_2[2, H], b_2[2]

h = relu(W_1 x + b_1)
p = softmax(W_2 h + b_2)
L = -sum(y log(p))
