h = relu(W_1 x + b_1)
y_hat = W_2 h + b_2
L = 1/2 ||y_hat - y||^2
