"""(a) An MLP classifier on the 8x8 digits, with a validation split and early stopping."""
import keras

from dlcore.datasets import load_digits

keras.utils.set_random_seed(0)

x, y = load_digits()
x = x.reshape(len(x), 64).astype("float32") / 16.0  # pixels 0..16 -> 0..1
x_train, y_train = x[:1400], y[:1400]
x_test, y_test = x[1400:], y[1400:]

model = keras.Sequential([
    keras.Input(shape=(64,)),
    keras.layers.Dense(64, activation="relu"),
    keras.layers.Dropout(0.2),
    keras.layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])

early_stopping = keras.callbacks.EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)
history = model.fit(x_train, y_train, epochs=40, batch_size=32, validation_split=0.2,
                    callbacks=[early_stopping], verbose=0)

test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=0)
print("epochs trained:", len(history.history["loss"]))
print(f"RESULT accuracy={test_accuracy:.4f}")
