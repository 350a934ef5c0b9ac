"""Drawing with Graphviz: the graph as DOT source (draw, with nodes, labels, themes, legend
and the numbers shown), and the one place the `dot` program runs (layout)."""
