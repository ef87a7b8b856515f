"""(e) The functional API: a residual block (a skip connection with Add) on the digits."""
import keras

from dlcore.datasets import load_digits

keras.utils.set_random_seed(0)

x, y = load_digits()
x = x.reshape(len(x), 64).astype("float32") / 16.0
x_train, y_train = x[:1400], y[:1400]
x_test, y_test = x[1400:], y[1400:]

inputs = keras.Input(shape=(64,))
h = keras.layers.Dense(32, activation="relu")(inputs)
residual = keras.layers.Dense(32, activation="relu")(h)
residual = keras.layers.Dense(32)(residual)
h = keras.layers.Add()([h, residual])  # the skip connection
h = keras.layers.Activation("relu")(h)
outputs = keras.layers.Dense(10, activation="softmax")(h)
model = keras.Model(inputs=inputs, outputs=outputs)

model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=15, batch_size=32, verbose=0)

test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=0)
print("parameters:", model.count_params())
print(f"RESULT accuracy={test_accuracy:.4f}")
