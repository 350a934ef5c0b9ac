# A two-layer tanh network with a vector output and mean squared error.
dim H = 4
input x[3]
target y[2]
param W_1[H, 3], b_1[H], W_2[2, H], b_2[2]

h = tanh(W_1 x + b_1)
ŷ = W_2 h + b_2
L = mean((ŷ - y)^2)
