#pragma once
// Expected<T, E>: a value or an error, for fallible operations whose failure is
// normal (I/O, parsing). C++20 lacks std::expected; this is the small subset we use.
// Accessing the wrong alternative is a bug and throws std::bad_variant_access.

#include <type_traits>
#include <utility>
#include <variant>

namespace aci {

template <class E>
struct Unexpected {
  E error;
};

template <class E>
Unexpected<std::decay_t<E>> unexpected(E&& error) {
  return {std::forward<E>(error)};
}

template <class T, class E>
class [[nodiscard]] Expected {
 public:
  // Asio's co_spawn needs a default value for a coroutine's result type.
  Expected() requires std::is_default_constructible_v<T> : state_(std::in_place_index<0>) {}
  Expected(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT(google-explicit-constructor)
  template <class G>
  Expected(Unexpected<G> error)  // NOLINT(google-explicit-constructor)
      : state_(std::in_place_index<1>, std::move(error.error)) {}

  bool has_value() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  E& error() & { return std::get<1>(state_); }
  const E& error() const& { return std::get<1>(state_); }
  E&& error() && { return std::get<1>(std::move(state_)); }

 private:
  std::variant<T, E> state_;
};

// Expected<void, E>: success carries nothing.
struct Ok {};

}  // namespace aci
