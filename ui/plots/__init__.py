"""Plot builders: pure functions from runs to Plotly figures (no Streamlit inside)."""
