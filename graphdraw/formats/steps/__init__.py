"""`render --steps`: backprop one step a picture, as a PDF (a page a step), a Beamer document
(an overlay a step) or an HTML page (a CSS-only stepper).

The steps themselves come from `numeric.steps.walk`, made once per model (`Job.steps`); the
modules here only draw them: `pages` (each step's DOT, and its caption), `pdfpages` (a small
PDF page concatenation, no dependency), `pdf`, `beamer` and `html`.
"""
