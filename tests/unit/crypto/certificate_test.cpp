#include "daemon/crypto/certificate.hpp"

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

#include "daemon/crypto/base64.hpp"

namespace aci::crypto {
namespace {

using namespace std::chrono_literals;

struct X509Free {
  void operator()(X509* certificate) const { X509_free(certificate); }
};
struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using CertificatePtr = std::unique_ptr<X509, X509Free>;
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyFree>;

CertificatePtr load_certificate(const std::string& pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())),
                                                BIO_free);
  return CertificatePtr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

KeyPtr load_key(const std::string& pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())),
                                                BIO_free);
  return KeyPtr(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
}

// X509_V_OK when `leaf` chains to `ca` with nothing else trusted.
int verify(const std::string& leaf_pem, const std::string& ca_pem) {
  auto leaf = load_certificate(leaf_pem);
  auto ca = load_certificate(ca_pem);
  std::unique_ptr<X509_STORE, decltype(&X509_STORE_free)> store(X509_STORE_new(), X509_STORE_free);
  X509_STORE_add_cert(store.get(), ca.get());
  std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)> context(X509_STORE_CTX_new(),
                                                                          X509_STORE_CTX_free);
  X509_STORE_CTX_init(context.get(), store.get(), leaf.get(), nullptr);
  X509_STORE_CTX_set_purpose(context.get(), X509_PURPOSE_SSL_SERVER);
  X509_verify_cert(context.get());
  return X509_STORE_CTX_get_error(context.get());
}

// The DER bytes between the PEM armour lines, decoded with our own base64.
std::string der_of(const std::string& pem) {
  const std::string begin = "-----BEGIN CERTIFICATE-----";
  const auto start = pem.find(begin) + begin.size();
  const auto end = pem.find("-----END CERTIFICATE-----");
  std::string body;
  for (const char c : pem.substr(start, end - start)) {
    if (c != '\n' && c != '\r') body += c;
  }
  return base64_decode(body).value();
}

std::string digest(const std::string& bytes, const EVP_MD* md) {
  unsigned char hash[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(bytes.data(), bytes.size(), hash, &size, md, nullptr);
  return std::string(reinterpret_cast<const char*>(hash), size);
}

class CertificateTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto ca = make_certificate_authority("Test CA", 24h);
    ASSERT_TRUE(ca) << ca.error();
    ca_ = new KeyAndCertificate(std::move(*ca));
  }
  static void TearDownTestSuite() {
    delete ca_;
    ca_ = nullptr;
  }
  static KeyAndCertificate* ca_;
};

KeyAndCertificate* CertificateTest::ca_ = nullptr;

TEST_F(CertificateTest, AuthorityIsSelfSignedCaWithRsa2048Key) {
  auto certificate = load_certificate(ca_->certificate_pem);
  ASSERT_TRUE(certificate);
  EXPECT_EQ(X509_check_ca(certificate.get()), 1);
  EXPECT_EQ(verify(ca_->certificate_pem, ca_->certificate_pem), X509_V_OK);
  auto key = load_key(ca_->key_pem);
  ASSERT_TRUE(key);
  EXPECT_EQ(EVP_PKEY_get_base_id(key.get()), EVP_PKEY_RSA);
  EXPECT_EQ(EVP_PKEY_get_bits(key.get()), 2048);
  EXPECT_EQ(X509_check_private_key(certificate.get(), key.get()), 1);
}

TEST_F(CertificateTest, LeafChainsToItsAuthorityAndMatchesItsKey) {
  auto leaf = make_leaf_certificate(*ca_, "server", {"localhost"}, {"127.0.0.1"}, 1h);
  ASSERT_TRUE(leaf) << leaf.error();
  EXPECT_EQ(verify(leaf->certificate_pem, ca_->certificate_pem), X509_V_OK);
  auto certificate = load_certificate(leaf->certificate_pem);
  auto key = load_key(leaf->key_pem);
  ASSERT_TRUE(certificate && key);
  EXPECT_EQ(X509_check_private_key(certificate.get(), key.get()), 1);
  EXPECT_EQ(X509_check_ca(certificate.get()), 0);
  EXPECT_EQ(X509_check_purpose(certificate.get(), X509_PURPOSE_SSL_CLIENT, 0), 1);
}

TEST_F(CertificateTest, LeafDoesNotChainToAnotherAuthority) {
  auto other = make_certificate_authority("Other CA", 24h);
  ASSERT_TRUE(other) << other.error();
  auto leaf = make_leaf_certificate(*other, "server", {"localhost"}, {}, 1h);
  ASSERT_TRUE(leaf) << leaf.error();
  EXPECT_NE(verify(leaf->certificate_pem, ca_->certificate_pem), X509_V_OK);
}

TEST_F(CertificateTest, LeafCarriesDnsWildcardAndIpSubjectAltNames) {
  auto leaf =
      make_leaf_certificate(*ca_, "vault", {"*.vault.azure.net", "localhost"}, {"127.0.0.1", "::1"}, 1h);
  ASSERT_TRUE(leaf) << leaf.error();
  auto certificate = load_certificate(leaf->certificate_pem);
  ASSERT_TRUE(certificate);
  EXPECT_EQ(X509_check_host(certificate.get(), "myvault.vault.azure.net", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_host(certificate.get(), "localhost", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_host(certificate.get(), "management.azure.com", 0, 0, nullptr), 0);
  EXPECT_EQ(X509_check_ip_asc(certificate.get(), "127.0.0.1", 0), 1);
  EXPECT_EQ(X509_check_ip_asc(certificate.get(), "::1", 0), 1);
  EXPECT_EQ(X509_check_ip_asc(certificate.get(), "127.0.0.2", 0), 0);
}

TEST_F(CertificateTest, InvalidIpAddressIsRejectedByName) {
  auto leaf = make_leaf_certificate(*ca_, "server", {}, {"300.1.2.3"}, 1h);
  ASSERT_FALSE(leaf);
  EXPECT_NE(leaf.error().find("300.1.2.3"), std::string::npos) << leaf.error();
}

TEST_F(CertificateTest, MismatchedIssuerKeyIsRejected) {
  auto other = make_certificate_authority("Other CA", 24h);
  ASSERT_TRUE(other) << other.error();
  const KeyAndCertificate mixed{other->key_pem, ca_->certificate_pem};
  auto leaf = make_leaf_certificate(mixed, "server", {"localhost"}, {}, 1h);
  ASSERT_FALSE(leaf);
  EXPECT_NE(leaf.error().find("does not match"), std::string::npos) << leaf.error();
}

TEST_F(CertificateTest, ValidityEndsAfterRequestedDuration) {
  auto leaf = make_leaf_certificate(*ca_, "server", {"localhost"}, {}, 2h);
  ASSERT_TRUE(leaf) << leaf.error();
  auto certificate = load_certificate(leaf->certificate_pem);
  int days = 0;
  int seconds = 0;
  ASSERT_EQ(ASN1_TIME_diff(&days, &seconds, nullptr, X509_get0_notAfter(certificate.get())), 1);
  EXPECT_EQ(days, 0);
  EXPECT_GT(seconds, 2 * 3600 - 60);
  EXPECT_LE(seconds, 2 * 3600);
  ASSERT_EQ(ASN1_TIME_diff(&days, &seconds, nullptr, X509_get0_notBefore(certificate.get())), 1);
  EXPECT_LT(seconds, 0);  // backdated for clock skew
}

TEST_F(CertificateTest, ThumbprintsAreBase64UrlDigestsOfDer) {
  const std::string der = der_of(ca_->certificate_pem);
  auto sha1 = certificate_thumbprint_sha1(ca_->certificate_pem);
  auto sha256 = certificate_thumbprint_sha256(ca_->certificate_pem);
  ASSERT_TRUE(sha1) << sha1.error();
  ASSERT_TRUE(sha256) << sha256.error();
  EXPECT_EQ(*sha1, base64url_encode(digest(der, EVP_sha1())));
  EXPECT_EQ(*sha256, base64url_encode(digest(der, EVP_sha256())));
  EXPECT_EQ(sha1->size(), 27U);
  EXPECT_EQ(sha256->size(), 43U);
}

TEST_F(CertificateTest, ThumbprintOfGarbageIsAnError) {
  auto thumbprint = certificate_thumbprint_sha1("not a certificate");
  ASSERT_FALSE(thumbprint);
  EXPECT_NE(thumbprint.error().find("certificate"), std::string::npos);
}

}  // namespace
}  // namespace aci::crypto
