"""regcore: a small numpy engine for training neural networks with every common regularizer.

    import regcore
    run = regcore.train(regcore.Config(dataset="moons", dropout=0.2, penalty="l2",
                                       penalty_strength=1e-3))
    run.history[["epoch", "train_loss", "val_loss"]]
"""
from .boundary import DecisionGrid, decision_grid, grid_bounds
from .compare import Lockstep, train_side_by_side
from .config import Config
from .csv_data import load_csv
from .datasets import DATASETS, Dataset, make_dataset
from .early_stopping import EarlyStopping, would_stop
from .layers import BatchNorm, Dropout, LayerNorm, Linear, ReLU, Sigmoid, Tanh
from .limits import LIMITS
from .losses import mean_squared_error, softmax_cross_entropy
from .model import Model, build_model
from .optimizers import SGD, Adam, AdamW
from .penalties import Penalty, make_penalty
from .run import Run
from .summary import summarize, summary_table
from .sweep.job import sweep  # the attribute regcore.sweep is this function: see regcore/sweep/__init__.py
from .training import Trainer, train, train_iter

__all__ = [
    "Adam", "AdamW", "BatchNorm", "Config", "DATASETS", "Dataset", "DecisionGrid", "Dropout",
    "EarlyStopping", "decision_grid", "grid_bounds", "summarize", "summary_table", "sweep",
    "LIMITS", "LayerNorm", "Linear", "Lockstep", "Model", "Penalty", "ReLU", "Run", "SGD",
    "Sigmoid", "Tanh", "Trainer", "build_model", "load_csv", "make_dataset", "make_penalty",
    "mean_squared_error", "softmax_cross_entropy", "train", "train_iter", "train_side_by_side",
    "would_stop",
]
