import sys
from pathlib import Path

# lets tests import the wrong-answer modules as a package: `import exercise_wrong_answers`
sys.path.insert(0, str(Path(__file__).resolve().parent))

from keras_ref import keras  # noqa: E402, F401  (the `keras` fixture: Keras 3 as a float64 reference, or a skip)
