# The scalar program of micrograd's README, with its rebinding of c, d and g.
param a = -4.0, b = 2.0

c = a + b
d = a * b + b**3
c = c + (c + 1)
c = c + (1 + c + (-a))
d = d + (d * 2 + relu(b + a))
d = d + (3 * d + relu(b - a))
e = c - d
f = e**2
g = f / 2.0
g = g + 10.0 / f
