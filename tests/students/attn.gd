A = softmax(Q Kᵀ / √(d))
O = A V
L = sum(O)
