"""(d) Transfer learning: train on digits 0-4, freeze the feature layers, train a new head on digits 5-9."""
import keras
import numpy as np

from dlcore.datasets import load_digits

keras.utils.set_random_seed(0)

x, y = load_digits()
x = x.reshape(len(x), 64).astype("float32") / 16.0
low, high = y < 5, y >= 5
x_low, y_low = x[low], y[low]
x_high, y_high = x[high], y[high] - 5  # labels 5..9 -> 0..4
n = int(0.8 * len(x_high))
x_high_train, y_high_train, x_high_test, y_high_test = x_high[:n], y_high[:n], x_high[n:], y_high[n:]

features = [keras.layers.Dense(64, activation="relu"), keras.layers.Dense(32, activation="relu")]
base = keras.Sequential([keras.Input(shape=(64,)), *features, keras.layers.Dense(5, activation="softmax")])
base.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
base.fit(x_low, y_low, epochs=10, batch_size=32, verbose=0)

for layer in features:
    layer.trainable = False  # keep what was learned on 0-4
frozen_before = [w.copy() for layer in features for w in layer.get_weights()]

model = keras.Sequential([keras.Input(shape=(64,)), *features, keras.layers.Dense(5, activation="softmax")])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
model.fit(x_high_train, y_high_train, epochs=15, batch_size=32, verbose=0)

frozen_after = [layer_w for layer in features for layer_w in layer.get_weights()]
unchanged = all(np.array_equal(a, b) for a, b in zip(frozen_before, frozen_after))
test_loss, test_accuracy = model.evaluate(x_high_test, y_high_test, verbose=0)
print("frozen layers unchanged:", unchanged)
print(f"RESULT accuracy={test_accuracy:.4f}")
