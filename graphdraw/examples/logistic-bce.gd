# Logistic regression with binary cross-entropy, averaged over a batch of four samples.
input x_n = [[0.5, 1.0], [-1.0, 2.0], [1.5, -0.5], [-2.0, -1.0]]
target y_n = [1, 0, 1, 0]

L = 1/N Σ_n bce(σ(wᵀ x_n + b), y_n)
