L = 1/N Σ_n (wᵀ x_n + b - y_n)^2
