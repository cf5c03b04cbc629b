#pragma once
// Certificate generation for tests, the emulator and client-certificate credentials:
// a self-signed RSA 2048 CA, leaves it signs (SAN DNS names and IPs, serverAuth and
// clientAuth), and the JWT thumbprints of a certificate. Keys are RSA 2048 so the same
// key can sign RS256 assertions. Failures are values naming the step; key material is
// never part of an error message.

#include <chrono>
#include <string>
#include <vector>

#include "daemon/core/expected.hpp"

namespace aci::crypto {

// An unencrypted PKCS#8 private key and its certificate, both PEM.
struct KeyAndCertificate {
  std::string key_pem;
  std::string certificate_pem;
};

// A self-signed CA certificate valid from an hour ago (tolerating clock skew) for `validity`.
Expected<KeyAndCertificate, std::string> make_certificate_authority(const std::string& common_name,
                                                                    std::chrono::hours validity);

// A leaf certificate signed by `issuer`; DNS names may be wildcards ("*.vault.azure.net"),
// IP addresses are IPv4 or IPv6 literals.
Expected<KeyAndCertificate, std::string> make_leaf_certificate(const KeyAndCertificate& issuer,
                                                               const std::string& common_name,
                                                               const std::vector<std::string>& dns_names,
                                                               const std::vector<std::string>& ip_addresses,
                                                               std::chrono::hours validity);

// base64url(SHA-1(DER)) and base64url(SHA-256(DER)): the JWT "x5t" and "x5t#S256" values.
Expected<std::string, std::string> certificate_thumbprint_sha1(const std::string& certificate_pem);
Expected<std::string, std::string> certificate_thumbprint_sha256(const std::string& certificate_pem);

}  // namespace aci::crypto
