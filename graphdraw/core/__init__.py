"""The model core: the networkx graph of a Program, plates over samples, scalarizing."""
