"""`graphdraw verify`: a person's derivative checked against graphdraw's own, as a teacher would.

- `claims.py` reads a claim `∂U/∂V = EXPR` against a model (`expression.py` reads EXPR with
  graphdraw's parser, `lookup.py` the names a claim may use);
- `compare.py` evaluates both sides at the given values and at random points;
- `diagnose.py` says how a wrong claim is wrong (sign, constant, transposed, a factor of
  the chain rule missing or extra, some entries);
- `report.py` runs it all (`verify`) and writes the text and the JSON.
"""
