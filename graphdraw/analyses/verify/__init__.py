"""`graphdraw verify`: a person's derivative checked against graphdraw's own, as a teacher would.

- `claims.py` reads a claim `∂U/∂V = EXPR` against a model (`expression.py` reads EXPR with
  graphdraw's parser, `lookup.py` the names a claim may use); `answers.py` an answers file;
- `compare.py` evaluates both sides at the given values and at random points;
- `diagnose.py` says how a wrong claim is wrong (shape, sign, constant, transposed, right
  only at the given values, a swapped entry, some entries), with `chain.py` (a factor of the
  chain rule missing or extra) and `paths.py` (a path of the chain rule left out);
- `report.py` runs it all (`verify`) and writes the text and the JSON.
"""
