"""(g) Two inputs and two outputs: the top and bottom halves of a digit in, its class and "is it even?" out."""
import keras

from dlcore.datasets import load_digits

keras.utils.set_random_seed(0)

x, y = load_digits()
x = x.reshape(len(x), 8, 8).astype("float32") / 16.0
top, bottom = x[:, :4].reshape(-1, 32), x[:, 4:].reshape(-1, 32)  # rows 0-3 and rows 4-7
even = (y % 2 == 0).astype("float32")
train, test = slice(0, 1400), slice(1400, None)

top_input = keras.Input(shape=(32,), name="top")
bottom_input = keras.Input(shape=(32,), name="bottom")
top_features = keras.layers.Dense(32, activation="relu")(top_input)
bottom_features = keras.layers.Dense(32, activation="relu")(bottom_input)
h = keras.layers.Concatenate()([top_features, bottom_features])
h = keras.layers.Dense(64, activation="relu")(h)
digit_output = keras.layers.Dense(10, activation="softmax", name="digit")(h)
even_output = keras.layers.Dense(1, activation="sigmoid", name="even")(h)
model = keras.Model(inputs=[top_input, bottom_input], outputs=[digit_output, even_output])

model.compile(optimizer="adam",
              loss={"digit": "sparse_categorical_crossentropy", "even": "binary_crossentropy"},
              loss_weights={"digit": 1.0, "even": 0.5},
              metrics={"digit": ["accuracy"], "even": ["accuracy"]})
model.fit({"top": top[train], "bottom": bottom[train]}, {"digit": y[train], "even": even[train]},
          epochs=15, batch_size=32, verbose=0)

results = model.evaluate({"top": top[test], "bottom": bottom[test]}, {"digit": y[test], "even": even[test]},
                         verbose=0, return_dict=True)
print(f"even/odd accuracy {results['even_accuracy']:.3f}")
print(f"RESULT accuracy={results['digit_accuracy']:.4f}")
