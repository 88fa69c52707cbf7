"""Rich display: lucidnet's objects drawn as SVG and HTML for Jupyter, by hand with NumPy and the standard library.

Each object a learner meets has a ``_repr_html_`` that delegates to one module here, and keeps its text
``__repr__``/``__str__`` for a terminal:

- :mod:`lucidnet.display.style`: the colours (the playground's), number formatting, escaping, the HTML wrapper;
- :mod:`lucidnet.display.svg`: a few SVG elements and a line chart;
- :mod:`lucidnet.display.diagram`: ``Network``: inputs, neurons and links (width and colour: the weight), with
  net, o and δ on each neuron after a pass;
- :mod:`lucidnet.display.trace_html`: ``Trace``: tables per layer and the chain rule of one weight;
- :mod:`lucidnet.display.reports`: ``GradcheckReport``, ``DiagnosticsReport`` and the ``Diagnostics`` callback;
- :mod:`lucidnet.display.history`: ``History``: the loss and metric charts (SVG, or a matplotlib Figure);
- :mod:`lucidnet.display.model`: ``ModelBundle``: the network, its preprocessing and its training record.

The modules read public attributes only and import nothing of lucidnet but each other, so that the classes they
draw can import them; nothing is imported from here on ``import lucidnet.display``.
"""
