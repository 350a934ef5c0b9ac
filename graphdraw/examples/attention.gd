# One attention head softmax(Q Kᵀ / √d) V, one query q_n at a time (a plate), with a squared loss.
param K[3, 4], V[3, 2]     # three keys and their values
input q_n[4]               # the queries
const d = 4                # the size of a key

a_n = softmax(K q_n / √(d))     # the attention weights of query n
o_n = Vᵀ a_n
L = 1/2 Σ_n ‖o_n‖²
