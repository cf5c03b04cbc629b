#pragma once
// The text of a caught exception, for logs and error messages: what() of a
// std::exception, a fixed phrase for anything else.

#include <exception>
#include <string>

namespace aci::core {

inline std::string exception_text(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "non-standard exception";
  }
}

}  // namespace aci::core
