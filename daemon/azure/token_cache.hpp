#pragma once
// TokenCache: the TokenSource every client uses, in front of one credential. Tokens
// are kept per scope and fetched again ahead of expiry: when half their lifetime has
// passed or 5 minutes before they expire, whichever comes first (or earlier if the
// issuer said refresh_in). Concurrent callers share one fetch (single flight); while
// a refresh is running, callers holding a still-valid token get it at once. A failed
// fetch is not repeated in a hot loop: until its backoff has passed, callers get the
// old token if it is still valid, else the same error (with retry_after), and the
// first caller after the backoff tries again. Every token is registered with the log
// redactor (and the replaced one removed). One executor; must outlive calls in flight.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "daemon/azure/token_source.hpp"
#include "daemon/core/backoff.hpp"
#include "daemon/core/clock.hpp"
#include "daemon/core/log.hpp"

namespace aci::metrics {
class AzureMetrics;
}

namespace aci::azure {

struct TokenCacheOptions {
  std::chrono::seconds refresh_before_expiry{300};
  // A token with less validity left than this is not handed out: the request using it
  // could arrive after it expired.
  std::chrono::seconds minimum_validity{30};
  core::BackoffOptions failure_backoff{std::chrono::seconds(1), std::chrono::seconds(60), 2.0, 0.5};
};

// When a token obtained at `obtained` should be refreshed (see the class comment).
core::WallTime refresh_time(const AccessToken& token, core::WallTime obtained,
                            std::chrono::seconds refresh_before_expiry);

class TokenCache final : public TokenSource {
 public:
  // `source`, `clock` and (if given) `metrics` must outlive the cache.
  TokenCache(boost::asio::any_io_executor executor, TokenSource& source, const core::Clock& clock,
             core::UniformRandom random, log::Logger logger, metrics::AzureMetrics* metrics = nullptr,
             TokenCacheOptions options = {});
  ~TokenCache() override;
  TokenCache(const TokenCache&) = delete;
  TokenCache& operator=(const TokenCache&) = delete;

  // TokenSource
  boost::asio::awaitable<Expected<AccessToken, AzureError>> token(const std::string& scope) override;
  void invalidate(const std::string& scope) override;

  // When the cached token of `scope` is due for refresh, if one is cached.
  std::optional<core::WallTime> refresh_at(const std::string& scope) const;

 private:
  struct Entry {
    explicit Entry(core::Backoff b) : backoff(std::move(b)) {}
    std::optional<AccessToken> token;
    core::WallTime refresh_at{};
    bool refreshing = false;
    std::shared_ptr<boost::asio::steady_timer> refreshed;  // cancelled when the running refresh ends
    std::optional<AzureError> last_error;
    core::SteadyTime retry_not_before{};
    core::Backoff backoff;
  };

  Entry& entry(const std::string& scope);
  bool usable(const Entry& cached) const;
  boost::asio::awaitable<Expected<AccessToken, AzureError>> refresh(std::string scope);

  boost::asio::any_io_executor executor_;
  TokenSource& source_;
  const core::Clock& clock_;
  core::UniformRandom random_;
  log::Logger logger_;
  metrics::AzureMetrics* metrics_;
  TokenCacheOptions options_;
  std::map<std::string, Entry> entries_;
};

}  // namespace aci::azure
