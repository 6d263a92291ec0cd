;; The Clojure side of the differential test (examples/clojure_diff.rs).
;;
;; Reads a batch file, one rule a line: `id TAB ours TAB bindings TAB rule`,
;; where `ours` is Hookwright's printed result, the bindings are
;; `name value ...` for a `let` and decimals are written as BigDecimals
;; (`12.50M`). Evaluates every rule in this one JVM:
;;
;; - pure: plain Clojure 1.11;
;; - shimmed, only when pure differs from ours: the same form with some core
;;   functions replaced by versions that apply Hookwright's documented
;;   deliberate differences (docs/clojure-differences.md). A shim tags the
;;   rule whenever its answer differs from the core function's, so the Rust
;;   side can count each documented difference.
;;
;; Prints `id TAB pure TAB shimmed TAB tags` per rule (shimmed is `-` when
;; it was not needed). Values print as
;; `pr-str` does except that decimals print plainly (no `M`, no exponent),
;; big integers without `N`, and top-level sets with their members sorted;
;; errors print as `#error Class: message`.

(ns hw.diff
  (:require [clojure.java.io :as io]
            [clojure.string :as str]
            [clojure.walk :as walk]))

(def ^:dynamic *tags* nil)

(defn tag! [t]
  (when *tags* (swap! *tags* conj t)))

;; ---------------------------------------------------------------- printing

(defn plain-number [x]
  (cond
    (instance? java.math.BigDecimal x) (.toPlainString ^java.math.BigDecimal x)
    (instance? clojure.lang.BigInt x) (str x)
    (instance? java.math.BigInteger x) (str x)
    :else nil))

(defn pr-value
  "pr-str with plain decimals; `sort-sets?` sorts set members by their text."
  [x sort-sets?]
  (let [p #(pr-value % sort-sets?)]
    (cond
      (nil? x) "nil"
      (plain-number x) (plain-number x)
      (map? x) (str "{" (str/join ", " (map (fn [[k v]] (str (p k) " " (p v))) x)) "}")
      (set? x) (let [items (map p x)]
                 (str "#{" (str/join " " (if sort-sets? (sort items) items)) "}"))
      (vector? x) (str "[" (str/join " " (map p x)) "]")
      (seq? x) (str "(" (str/join " " (map p x)) ")")
      :else (pr-str x))))

(defn top-pr [x] (pr-value x true))

;; Hookwright's `str`: text bare, nil empty, anything else printed as
;; Clojure prints it but with decimals plain.
(defn our-text [x]
  (cond (nil? x) "" (string? x) x :else (pr-value x false)))

(defn our-text-of
  "The text the clojure.string functions see: any value but nil."
  [x]
  (if (nil? x)
    (throw (NullPointerException. "nil has no text"))
    (our-text x)))

;; ---------------------------------------------------------------- equality

(declare our=)

(defn- coll= [a b]
  (cond
    (and (vector? a) (vector? b))
    (and (= (count a) (count b)) (every? true? (map our= a b)))
    (and (set? a) (set? b))
    (and (= (count a) (count b)) (every? (fn [x] (some #(our= x %) b)) a))
    (and (map? a) (map? b))
    (and (= (count a) (count b))
         (every? (fn [[k v]] (and (contains? b k) (our= v (get b k)))) a))
    :else (= a b)))

(defn our=
  "Hookwright's `=`: numbers by value (5 = 5.00), collections by contents."
  [a b]
  (if (and (number? a) (number? b)) (== a b) (coll= a b)))

(defn hw= [x & more]
  (let [ours (every? #(our= x %) more)]
    (when (not= ours (apply = x more)) (tag! :number-equality))
    ours))

(defn hw-not= [x & more]
  (not (apply hw= x more)))

;; ---------------------------------------------------------------- lookups

(defn- key-by-name
  "The keyword a map key is found under by name: :a, \"a\" and 1 name :a, :1."
  [m k]
  (let [kw (cond (keyword? k) k
                 (string? k) (keyword k)
                 (number? k) (keyword (or (plain-number k) (str k)))
                 :else ::none)]
    (when (contains? m kw) kw)))

(defn- our-get [coll k default]
  (cond
    (map? coll) (if-let [kk (key-by-name coll k)] (get coll kk) default)
    (set? coll) (let [hits (filter #(our= % k) coll)] (if (seq hits) (first hits) default))
    (string? coll) default
    :else (get coll k default)))

(defn- lookup-tag [coll]
  (cond (map? coll) :key-by-name
        (set? coll) :number-equality
        (string? coll) :no-characters
        :else :lookup))

(defn hw-get
  ([coll k] (hw-get coll k nil))
  ([coll k default]
   (let [ours (our-get coll k default)]
     (when (not= ours (get coll k default)) (tag! (lookup-tag coll)))
     ours)))

(defn hw-get-in
  ([m ks] (hw-get-in m ks nil))
  ([m ks default]
   (let [sentinel (Object.)
         walk-keys (fn [getter]
                     (loop [m m ks (seq ks)]
                       (if ks
                         (let [v (getter m (first ks) sentinel)]
                           (if (identical? v sentinel) default (recur v (next ks))))
                         m)))
         ours (walk-keys our-get)]
     (when (not= ours (walk-keys get)) (tag! :key-by-name))
     ours)))

(defn hw-contains? [coll k]
  (let [core (contains? coll k)
        ours (cond (set? coll) (boolean (some #(our= % k) coll))
                   (map? coll) (some? (key-by-name coll k))
                   :else core)]
    (when (not= core ours) (tag! (lookup-tag coll)))
    ours))

;; ---------------------------------------------------------------- arithmetic

(defn- no-exponent
  "A BigDecimal with a negative scale (2E+1) as Hookwright holds it (20)."
  [x]
  (if (and (instance? java.math.BigDecimal x) (neg? (.scale ^java.math.BigDecimal x)))
    (do (tag! :no-exponent) (.setScale ^java.math.BigDecimal x 0))
    x))

(defn- bd ^java.math.BigDecimal [x]
  (if (instance? java.math.BigDecimal x) x (bigdec x)))

(defn- div2 [x y]
  (if (and (number? x) (number? y) (not (zero? y)))
    (let [core (try (/ x y) (catch ArithmeticException e e))
          exact (try (.divide (bd x) (bd y)) (catch ArithmeticException _ nil))]
      (cond
        (nil? exact)
        (do (tag! :inexact-division)
            (.stripTrailingZeros (.divide (bd x) (bd y) (java.math.MathContext. 28))))
        (ratio? core) (do (tag! :ratio) (no-exponent exact))
        :else (no-exponent exact)))
    (/ x y)))

(defn hw-div
  ([x] (div2 1 x))
  ([x y] (div2 x y))
  ([x y & more] (reduce div2 (div2 x y) more)))

(defn hw-quot [x y] (no-exponent (quot x y)))
(defn hw-rem [x y] (no-exponent (rem x y)))
(defn hw-mod [x y] (no-exponent (mod x y)))

(defmacro ^:private promoting
  "Core arithmetic; on long overflow, Hookwright's wider numbers."
  [core-form wide-form]
  `(try ~core-form
        (catch ArithmeticException e#
          (if (str/includes? (str (.getMessage e#)) "overflow")
            (do (tag! :long-overflow) ~wide-form)
            (throw e#)))))

(defn hw+ [& xs] (promoting (apply + xs) (apply +' xs)))
(defn hw* [& xs] (promoting (apply * xs) (apply *' xs)))
(defn hw- [& xs] (promoting (apply - xs) (apply -' xs)))
(defn hw-inc [x] (promoting (inc x) (inc' x)))
(defn hw-dec [x] (promoting (dec x) (dec' x)))

;; ---------------------------------------------------------------- ordering

(defn- date-key [x]
  (when (string? x)
    (try (java.time.LocalDate/parse x) (catch Exception _ nil))))

(defn- ordering [core holds?]
  (fn
    ([x] true)
    ([x & more]
     (try (apply core x more)
          (catch ClassCastException e
            ;; Hookwright orders dates written as text; pairs stop at the first false.
            (loop [[a b & _ :as xs] (cons x more)]
              (if (nil? (next xs))
                (do (tag! :date-order) true)
                (let [ka (date-key a) kb (date-key b)]
                  (cond (or (nil? ka) (nil? kb)) (throw e)
                        (holds? (compare ka kb)) (recur (next xs))
                        :else (do (tag! :date-order) false))))))))))

(def hw< (ordering < neg?))
(def hw> (ordering > pos?))
(def hw<= (ordering <= (complement pos?)))
(def hw>= (ordering >= (complement neg?)))

;; ---------------------------------------------------------------- text

(defn- printed [core ours]
  (when (not= core ours) (tag! :decimal-printing))
  ours)

(defn hw-str [& xs]
  (printed (apply str xs) (apply str (map our-text xs))))

(defn hw-upper-case [x] (printed (str/upper-case x) (str/upper-case (our-text-of x))))
(defn hw-lower-case [x] (printed (str/lower-case x) (str/lower-case (our-text-of x))))
(defn hw-starts-with? [x ^String s] (printed (str/starts-with? x s) (str/starts-with? (our-text-of x) s)))
(defn hw-ends-with? [x ^String s] (printed (str/ends-with? x s) (str/ends-with? (our-text-of x) s)))
(defn hw-includes? [x ^CharSequence s] (printed (str/includes? x s) (str/includes? (our-text-of x) s)))

(defn hw-subs
  ([s start] (hw-subs s start (count s)))
  ([s start end]
   (let [core (subs s start end)]
     (when-not (every? #(or (integer? %) (and (decimal? %) (zero? (.signum (.remainder ^java.math.BigDecimal % 1M)))))
                       [start end])
       (tag! :whole-number-index)
       (throw (IllegalArgumentException. "index must be a whole number")))
     core)))

(defn- no-character [x]
  (if (char? x) (do (tag! :no-characters) (str x)) x))

(defn hw-nth
  ([coll i] (no-character (nth coll i)))
  ([coll i default] (no-character (nth coll i default))))

;; ---------------------------------------------------------------- running

(def shims
  {'= `hw=, 'not= `hw-not=, 'get `hw-get, 'get-in `hw-get-in, 'contains? `hw-contains?,
   '/ `hw-div, 'quot `hw-quot, 'rem `hw-rem, 'mod `hw-mod,
   '+ `hw+, '* `hw*, '- `hw-, 'inc `hw-inc, 'dec `hw-dec,
   '< `hw<, '> `hw>, '<= `hw<=, '>= `hw>=,
   'str `hw-str, 'subs `hw-subs, 'nth `hw-nth,
   'clojure.string/upper-case `hw-upper-case, 'clojure.string/lower-case `hw-lower-case,
   'clojure.string/starts-with? `hw-starts-with?, 'clojure.string/ends-with? `hw-ends-with?,
   'clojure.string/includes? `hw-includes?})

(defn- one-line [s]
  (str/replace (str s) #"[\t\r\n]+" " "))

(defn- attempt [form]
  (try
    (top-pr (eval form))
    (catch Throwable e
      (let [cause (or (.getCause e) e)]
        (str "#error " (.getSimpleName (class cause)) ": " (one-line (.getMessage cause)))))))

(defn- error? [s] (str/starts-with? s "#error"))

(defn run-line [line]
  (let [[id ours bindings rule] (str/split line #"\t" 4)
        bindings (read-string (str "[" bindings "]"))
        form (try (read-string rule) (catch Throwable e e))]
    (if (instance? Throwable form)
      (let [err (str "#error read: " (one-line (.getMessage ^Throwable form)))]
        (str id "\t" err "\t-\t"))
      (let [pure (attempt (list 'let bindings form))]
        (if (or (= pure ours) (and (error? pure) (error? ours)))
          (str id "\t" pure "\t-\t")
          (let [tags (atom (sorted-set))
                shimmed (binding [*tags* tags]
                          (attempt (list 'let bindings (walk/postwalk-replace shims form))))]
            (str id "\t" pure "\t" shimmed "\t" (str/join "," (map name @tags)))))))))

(defn -main [file]
  (with-open [r (io/reader file)]
    (doseq [line (line-seq r)]
      (println (run-line line))))
  (flush))

(apply -main *command-line-args*)
