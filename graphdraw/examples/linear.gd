# Exercise 6.2, eq. (1): the linear model for XOR, squared error for one sample.
input x[2]
target y
param W[2], b

ŷ = Wᵀ x + b
L = 1/2 (ŷ − y)²
