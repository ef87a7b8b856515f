"""(c) Next-character prediction with an LSTM on a small text (Aesop's fables)."""
import keras
import numpy as np

from dlcore.datasets import load_text

keras.utils.set_random_seed(0)

text = load_text()
chars = sorted(set(text))
char_to_id = {c: i for i, c in enumerate(chars)}
ids = np.array([char_to_id[c] for c in text])

seq_len = 12  # read 12 characters, predict the 13th
x = np.array([ids[i:i + seq_len] for i in range(0, len(ids) - seq_len, 2)])
y = np.array([ids[i + seq_len] for i in range(0, len(ids) - seq_len, 2)])
split = int(0.9 * len(x))
x_train, y_train, x_test, y_test = x[:split], y[:split], x[split:], y[split:]

model = keras.Sequential([
    keras.Input(shape=(seq_len,)),
    keras.layers.Embedding(len(chars), 16),
    keras.layers.LSTM(64),
    keras.layers.Dense(len(chars), activation="softmax"),
])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
model.fit(x_train, y_train, epochs=6, batch_size=64, verbose=0)

test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=0)
print(f"RESULT accuracy={test_accuracy:.4f}")
