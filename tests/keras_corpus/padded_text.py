"""(f) Sentences of different lengths, zero-padded: Embedding(mask_zero=True) makes the LSTM skip the padding."""
import keras
import numpy as np

keras.utils.set_random_seed(0)

# A made-up language: word ids 1-5 are "good" words, 6-10 "bad" words, 11 is "not", 12-39 are neutral,
# and 0 is the padding. "not good" counts as bad and "not bad" as good. A sentence is positive (label 1)
# when it has more good than bad, and the order of the words matters because of "not".
rng = np.random.default_rng(42)  # the data is the same in every run
vocab_size, max_len, NOT = 40, 20, 11
sentences, labels = [], []
while len(sentences) < 1500:
    length = rng.integers(10, max_len + 1)
    words = rng.integers(12, vocab_size, size=length)  # neutral words
    score = 0
    for place in rng.choice(np.arange(1, length, 2), size=rng.integers(1, 6), replace=False):
        good = rng.random() < 0.5
        words[place] = rng.integers(1, 6) if good else rng.integers(6, 11)
        value = 1 if good else -1
        if rng.random() < 0.3:
            words[place - 1] = NOT
            value = -value
        score += value
    if score != 0:  # no ties: every sentence is clearly positive or negative
        sentences.append(words)
        labels.append(int(score > 0))

x = keras.utils.pad_sequences(sentences, maxlen=max_len, padding="post")  # zeros after each sentence
y = np.array(labels, dtype="float32")
x_train, y_train, x_test, y_test = x[:1100], y[:1100], x[1100:], y[1100:]

model = keras.Sequential([
    keras.Input(shape=(max_len,)),
    keras.layers.Embedding(vocab_size, 8, mask_zero=True),
    keras.layers.LSTM(16),
    keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="binary_crossentropy",
              metrics=["accuracy", "precision", "recall", "auc"])

early_stopping = keras.callbacks.EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)
history = model.fit(x_train, y_train, epochs=15, batch_size=32, validation_split=0.2,
                    callbacks=[early_stopping], verbose=0)

test_loss, test_accuracy, test_precision, test_recall, test_auc = model.evaluate(x_test, y_test, verbose=0)
print("epochs trained:", len(history.history["loss"]))
print(f"precision {test_precision:.3f}  recall {test_recall:.3f}  AUC {test_auc:.3f}")
print(f"RESULT accuracy={test_accuracy:.4f}")
