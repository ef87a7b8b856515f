import sys
from pathlib import Path

# lets tests import the wrong-answer modules as a package: `import exercise_wrong_answers`
sys.path.insert(0, str(Path(__file__).resolve().parent))
