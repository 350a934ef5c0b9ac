# Linear regression: the mean squared error over the samples, 1/N Σ_n (wᵀ x_n + b − y_n)².
input x_n = [[1.0, 2.0], [2.0, 0.0], [0.0, 1.0], [3.0, 1.0], [1.0, -1.0]]
target y_n = [3.5, 2.5, 1.5, 4.5, 0.5]     # y = x₁ + x₂ + 1/2

L = 1/N Σ_n (wᵀ x_n + b − y_n)²
