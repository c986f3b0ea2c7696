"""The Streamlit side of Regularization Lab: widgets, the live training loop and plot builders.
Every number comes from `regcore`; this package only shows it."""
