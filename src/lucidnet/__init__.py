"""lucidnet: feed-forward neural networks with backpropagation written by hand on NumPy."""
