ŷ = softmax(W x + b)
L = -Σ_k y_k log(ŷ_k)
