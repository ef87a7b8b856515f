"""(b) A small convolutional network on the 8x8 digits; the best epoch is saved by ModelCheckpoint."""
import keras

from dlcore.datasets import load_digits

keras.utils.set_random_seed(0)

x, y = load_digits()
x = x.reshape(-1, 8, 8, 1).astype("float32") / 16.0  # images with one channel (NHWC)
x_train, y_train = x[:1400], y[:1400]
x_test, y_test = x[1400:], y[1400:]

model = keras.Sequential([
    keras.Input(shape=(8, 8, 1)),
    keras.layers.Conv2D(16, (3, 3), padding="same", activation="relu"),
    keras.layers.MaxPooling2D((2, 2)),
    keras.layers.Flatten(),
    keras.layers.Dense(32, activation="relu"),
    keras.layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])

checkpoint = keras.callbacks.ModelCheckpoint("best_cnn.keras", monitor="val_accuracy", save_best_only=True)
model.fit(x_train, y_train, epochs=8, batch_size=32, validation_split=0.2, callbacks=[checkpoint], verbose=0)

best = keras.models.load_model("best_cnn.keras")
test_loss, test_accuracy = best.evaluate(x_test, y_test, verbose=0)
print(f"RESULT accuracy={test_accuracy:.4f}")
