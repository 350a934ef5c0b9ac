# Weight decay: the penalty λ/2 ‖W‖² added to the squared error of a linear layer.
input x = [1.0, -2.0, 0.5]
target y = [0.5, -1.0]
param b[2]
const λ = 0.01

ŷ = W x + b
L = 1/2 ‖ŷ − y‖² + λ/2 ‖W‖²
