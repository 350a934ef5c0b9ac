"""Numbers: leaf values, the forward pass, backprop, the Hessian and the derivatives."""
