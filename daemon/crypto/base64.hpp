#pragma once
// Base64 (RFC 4648 section 4, padded) and base64url (section 5, unpadded) codecs,
// for PEM-free key material and JWT segments. Decoders return nullopt on any
// character outside the alphabet or an impossible length; base64url_decode also
// accepts trailing '=' padding, since some issuers send it.

#include <optional>
#include <string>
#include <string_view>

namespace aci::crypto {

std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);

std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace aci::crypto
