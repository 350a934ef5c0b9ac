# Two unrolled steps of a vanilla RNN h_t = tanh(W h_{t-1} + U x_t + b), with a squared loss on the last state.
dim H = 3
input h_0[H], x_1[2], x_2[2]
target y[H]
param b[H]

\begin{align*}
  h_1 &= \tanh(W h_0 + U x_1 + b) \\
  h_2 &= \tanh(W h_1 + U x_2 + b) \\
  L   &= \frac{1}{2} \lVert h_2 - y \rVert^2
\end{align*}
