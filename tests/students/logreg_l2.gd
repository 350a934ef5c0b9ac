p_i = σ(wᵀ x_i + b)
L = -1/m Σ_i (y_i log(p_i) + (1 - y_i) log(1 - p_i)) + λ/2 ‖w‖²
