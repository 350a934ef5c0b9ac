# The README's model.gd: the XOR network of exercise 6.2, eqs. (2)-(3), written as one equation.
dim H = 2
input x[2]
target y
param W_i[2, H], b_a, W_o[H], b_o

L = 1/2 (σ(W_oᵀ σ(W_iᵀ x + b_a) + b_o) − y)²
