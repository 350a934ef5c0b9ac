# Exercise 6.2, eqs. (2)-(3): a 2-H-1 sigmoid network for XOR, squared error for one sample.
dim H = 2
input x[2]
target y
param W_i[2, H], b_a, W_o[H], b_o

a = W_iᵀ x + b_a        # activation of the hidden layer
z = σ(a)                # hidden units
ŷ = σ(W_oᵀ z + b_o)     # prediction
L = 1/2 (ŷ − y)²        # loss
