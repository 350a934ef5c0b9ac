# Exercise 6.2, eq. (3): the XOR network's squared error summed over the four XOR samples, in LaTeX.
# Values per sample have the index of the sum in their subscript (x_n, y_n); they are
# drawn inside the plate n = 1…N, and the numbers run over all N samples at once.
dim H = 2
dim N = 4
input x_n[2] = [[0, 0], [0, 1], [1, 0], [1, 1]]     # the XOR inputs, one per sample
target y_n = [0, 1, 1, 0]                           # their labels
param W_i[2, H], b_a, W_o[H], b_o

\begin{align*}
  \mathbf{a}_n &= \mathbf{W_i}^T \mathbf{x}_n + b_a \\
  \mathbf{z}_n &= \sigma(\mathbf{a}_n) \\
  \hat{y}_n    &= \sigma(\mathbf{W_o}^T \mathbf{z}_n + b_o) \\
  L            &= \frac{1}{2} \sum_{n=1}^{N} \left( \hat{y}_n - y_n \right)^2
\end{align*}
