# One self-attention head softmax(Q Kᵀ / √d) V over three tokens (the rows of X), with a squared loss.
input X = [[1.0, 0.5, -0.5, 2.0, 0.0], [-1.0, 2.0, 0.0, 0.5, 1.0], [0.5, -1.5, 1.0, 0.0, -2.0]]
param W_q[5, 4], W_k[5, 4], W_v[5, 2]
const d = 4                # the size of a query and a key

Q = X W_q
K = X W_k
V = X W_v
A = softmax(Q Kᵀ / √(d))      # row i: the attention weights of token i
L = 1/2 ‖A V‖²
