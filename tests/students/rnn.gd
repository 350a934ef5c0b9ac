h_1 = tanh(W h_0 + U x_1 + b)
h_2 = tanh(W h_1 + U x_2 + b)
L = 1/2 ||h_2 - y||^2
