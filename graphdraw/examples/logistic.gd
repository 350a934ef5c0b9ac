# Logistic regression with the cross-entropy loss.
input x[3]
target y
param w[3], b

p = σ(wᵀ x + b)
L = -(y log(p) + (1 - y) log(1 - p))
