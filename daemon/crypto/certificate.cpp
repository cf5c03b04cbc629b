#include "daemon/crypto/certificate.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <array>
#include <memory>

#include "daemon/crypto/base64.hpp"

namespace aci::crypto {

namespace {

template <auto Free>
struct FreeWith {
  template <class T>
  void operator()(T* pointer) const {
    Free(pointer);
  }
};

using BioPtr = std::unique_ptr<BIO, FreeWith<BIO_free_all>>;
using BignumPtr = std::unique_ptr<BIGNUM, FreeWith<BN_free>>;
using ExtensionPtr = std::unique_ptr<X509_EXTENSION, FreeWith<X509_EXTENSION_free>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, FreeWith<GENERAL_NAMES_free>>;
using GeneralNamePtr = std::unique_ptr<GENERAL_NAME, FreeWith<GENERAL_NAME_free>>;
using KeyPtr = std::unique_ptr<EVP_PKEY, FreeWith<EVP_PKEY_free>>;
using CertificatePtr = std::unique_ptr<X509, FreeWith<X509_free>>;

constexpr int kRsaBits = 2048;
constexpr int kSerialBytes = 16;
// Backdating notBefore keeps a fresh certificate valid on a peer whose clock runs behind.
constexpr long kBackdateSeconds = 3600;

// The step that failed plus OpenSSL's reason; the error queue is drained so a later
// failure does not report a stale reason.
std::string openssl_error(std::string_view step) {
  std::string message(step);
  if (const unsigned long code = ERR_get_error(); code != 0) {
    std::array<char, 256> reason{};
    ERR_error_string_n(code, reason.data(), reason.size());
    message += ": ";
    message += reason.data();
  }
  ERR_clear_error();
  return message;
}

Expected<KeyPtr, std::string> generate_rsa_key() {
  KeyPtr key(EVP_RSA_gen(kRsaBits));
  if (!key) return unexpected(openssl_error("generating an RSA key"));
  return key;
}

Expected<KeyPtr, std::string> parse_private_key(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  KeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!key) return unexpected(openssl_error("parsing the private key PEM"));
  return key;
}

Expected<CertificatePtr, std::string> parse_certificate(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  CertificatePtr certificate(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!certificate) return unexpected(openssl_error("parsing the certificate PEM"));
  return certificate;
}

std::string bio_contents(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(size));
}

Expected<std::string, std::string> key_to_pem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
    return unexpected(openssl_error("writing the private key PEM"));
  return bio_contents(bio.get());
}

Expected<std::string, std::string> certificate_to_pem(X509* certificate) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), certificate) != 1)
    return unexpected(openssl_error("writing the certificate PEM"));
  return bio_contents(bio.get());
}

// A positive random serial, as RFC 5280 asks (unique per issuer, at most 20 octets).
bool set_random_serial(X509* certificate) {
  std::array<unsigned char, kSerialBytes> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) return false;
  bytes[0] &= 0x7f;
  bytes[0] |= 0x01;  // never zero, never negative
  BignumPtr serial(BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), nullptr));
  return serial && BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(certificate)) != nullptr;
}

// A v3 certificate with subject, public key, serial and validity set; issuer, extensions
// and signature are the caller's.
Expected<CertificatePtr, std::string> new_certificate(const std::string& common_name, EVP_PKEY* key,
                                                      std::chrono::hours validity) {
  if (common_name.empty()) return unexpected(std::string("the common name is empty"));
  CertificatePtr certificate(X509_new());
  if (!certificate || X509_set_version(certificate.get(), X509_VERSION_3) != 1)
    return unexpected(openssl_error("creating a certificate"));
  if (!set_random_serial(certificate.get())) return unexpected(openssl_error("choosing a serial number"));
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(validity).count();
  if (X509_gmtime_adj(X509_getm_notBefore(certificate.get()), -kBackdateSeconds) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(certificate.get()), static_cast<long>(seconds)) == nullptr)
    return unexpected(openssl_error("setting the validity period"));
  X509_NAME* subject = X509_get_subject_name(certificate.get());
  if (X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1, 0) != 1)
    return unexpected(openssl_error("setting the subject common name"));
  if (X509_set_pubkey(certificate.get(), key) != 1)
    return unexpected(openssl_error("setting the public key"));
  return certificate;
}

// Adds an extension written in OpenSSL's config syntax; `issuer` may be `certificate`
// itself, which is how a self-signed certificate finds its own key identifier.
Expected<Ok, std::string> add_extension(X509* certificate, X509* issuer, int nid, const char* value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, issuer, certificate, nullptr, nullptr, 0);
  ExtensionPtr extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value));
  if (!extension || X509_add_ext(certificate, extension.get(), -1) != 1)
    return unexpected(openssl_error(std::string("adding extension ") + OBJ_nid2sn(nid) + "=" + value));
  return Ok{};
}

Expected<Ok, std::string> add_extensions(X509* certificate, X509* issuer,
                                         std::initializer_list<std::pair<int, const char*>> extensions) {
  for (const auto& [nid, value] : extensions) {
    if (auto added = add_extension(certificate, issuer, nid, value); !added) return added;
  }
  return Ok{};
}

Expected<GeneralNamePtr, std::string> dns_name(const std::string& name) {
  if (name.empty()) return unexpected(std::string("a DNS name is empty"));
  GeneralNamePtr general(GENERAL_NAME_new());
  ASN1_IA5STRING* text = ASN1_IA5STRING_new();
  if (!general || !text || ASN1_STRING_set(text, name.data(), static_cast<int>(name.size())) != 1) {
    ASN1_IA5STRING_free(text);
    return unexpected(openssl_error("encoding DNS name '" + name + "'"));
  }
  GENERAL_NAME_set0_value(general.get(), GEN_DNS, text);
  return general;
}

Expected<GeneralNamePtr, std::string> ip_name(const std::string& address) {
  GeneralNamePtr general(GENERAL_NAME_new());
  ASN1_OCTET_STRING* octets = a2i_IPADDRESS(address.c_str());
  if (!general || !octets) {
    ASN1_OCTET_STRING_free(octets);
    ERR_clear_error();
    return unexpected("invalid IP address '" + address + "'");
  }
  GENERAL_NAME_set0_value(general.get(), GEN_IPADD, octets);
  return general;
}

// Built from GENERAL_NAME values rather than config text, so a name holding a comma
// cannot smuggle in another entry.
Expected<Ok, std::string> add_subject_alt_names(X509* certificate, const std::vector<std::string>& dns_names,
                                                const std::vector<std::string>& ip_addresses) {
  if (dns_names.empty() && ip_addresses.empty()) return Ok{};
  GeneralNamesPtr names(GENERAL_NAMES_new());
  if (!names) return unexpected(openssl_error("allocating subjectAltName"));
  auto push = [&](Expected<GeneralNamePtr, std::string> name) -> Expected<Ok, std::string> {
    if (!name) return unexpected(std::move(name.error()));
    if (sk_GENERAL_NAME_push(names.get(), name->get()) == 0)
      return unexpected(openssl_error("adding a name"));
    [[maybe_unused]] GENERAL_NAME* owned_by_stack = name->release();
    return Ok{};
  };
  for (const auto& name : dns_names) {
    if (auto pushed = push(dns_name(name)); !pushed) return pushed;
  }
  for (const auto& address : ip_addresses) {
    if (auto pushed = push(ip_name(address)); !pushed) return pushed;
  }
  if (X509_add1_ext_i2d(certificate, NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) != 1)
    return unexpected(openssl_error("adding subjectAltName"));
  return Ok{};
}

Expected<KeyAndCertificate, std::string> sign_and_encode(X509* certificate, EVP_PKEY* signer, EVP_PKEY* key) {
  if (X509_sign(certificate, signer, EVP_sha256()) == 0)
    return unexpected(openssl_error("signing the certificate"));
  auto key_pem = key_to_pem(key);
  if (!key_pem) return unexpected(std::move(key_pem.error()));
  auto certificate_pem = certificate_to_pem(certificate);
  if (!certificate_pem) return unexpected(std::move(certificate_pem.error()));
  return KeyAndCertificate{std::move(*key_pem), std::move(*certificate_pem)};
}

Expected<std::string, std::string> thumbprint(const std::string& certificate_pem, const EVP_MD* digest) {
  auto certificate = parse_certificate(certificate_pem);
  if (!certificate) return unexpected(std::move(certificate.error()));
  std::array<unsigned char, EVP_MAX_MD_SIZE> hash{};
  unsigned int size = 0;
  if (X509_digest(certificate->get(), digest, hash.data(), &size) != 1)
    return unexpected(openssl_error("hashing the certificate"));
  return base64url_encode(std::string_view(reinterpret_cast<const char*>(hash.data()), size));
}

}  // namespace

Expected<KeyAndCertificate, std::string> make_certificate_authority(const std::string& common_name,
                                                                    std::chrono::hours validity) {
  auto key = generate_rsa_key();
  if (!key) return unexpected(std::move(key.error()));
  auto certificate = new_certificate(common_name, key->get(), validity);
  if (!certificate) return unexpected(std::move(certificate.error()));
  X509* self = certificate->get();
  if (X509_set_issuer_name(self, X509_get_subject_name(self)) != 1)
    return unexpected(openssl_error("setting the issuer name"));
  auto added = add_extensions(self, self,
                              {{NID_basic_constraints, "critical,CA:TRUE"},
                               {NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature"},
                               {NID_subject_key_identifier, "hash"},
                               {NID_authority_key_identifier, "keyid:always"}});
  if (!added) return unexpected(std::move(added.error()));
  return sign_and_encode(self, key->get(), key->get());
}

Expected<KeyAndCertificate, std::string> make_leaf_certificate(const KeyAndCertificate& issuer,
                                                               const std::string& common_name,
                                                               const std::vector<std::string>& dns_names,
                                                               const std::vector<std::string>& ip_addresses,
                                                               std::chrono::hours validity) {
  auto issuer_key = parse_private_key(issuer.key_pem);
  if (!issuer_key) return unexpected("issuer: " + issuer_key.error());
  auto issuer_certificate = parse_certificate(issuer.certificate_pem);
  if (!issuer_certificate) return unexpected("issuer: " + issuer_certificate.error());
  if (X509_check_private_key(issuer_certificate->get(), issuer_key->get()) != 1)
    return unexpected(openssl_error("the issuer key does not match the issuer certificate"));
  auto key = generate_rsa_key();
  if (!key) return unexpected(std::move(key.error()));
  auto certificate = new_certificate(common_name, key->get(), validity);
  if (!certificate) return unexpected(std::move(certificate.error()));
  X509* leaf = certificate->get();
  if (X509_set_issuer_name(leaf, X509_get_subject_name(issuer_certificate->get())) != 1)
    return unexpected(openssl_error("setting the issuer name"));
  auto added = add_extensions(leaf, issuer_certificate->get(),
                              {{NID_basic_constraints, "critical,CA:FALSE"},
                               {NID_key_usage, "critical,digitalSignature,keyEncipherment"},
                               {NID_ext_key_usage, "serverAuth,clientAuth"},
                               {NID_subject_key_identifier, "hash"},
                               {NID_authority_key_identifier, "keyid:always"}});
  if (!added) return unexpected(std::move(added.error()));
  if (auto names = add_subject_alt_names(leaf, dns_names, ip_addresses); !names)
    return unexpected(std::move(names.error()));
  return sign_and_encode(leaf, issuer_key->get(), key->get());
}

Expected<std::string, std::string> certificate_thumbprint_sha1(const std::string& certificate_pem) {
  return thumbprint(certificate_pem, EVP_sha1());
}

Expected<std::string, std::string> certificate_thumbprint_sha256(const std::string& certificate_pem) {
  return thumbprint(certificate_pem, EVP_sha256());
}

}  // namespace aci::crypto
