#include "daemon/azure/token_cache.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "daemon/metrics/azure_metrics.hpp"

namespace aci::azure {

namespace asio = boost::asio;

core::WallTime refresh_time(const AccessToken& token, core::WallTime obtained,
                            std::chrono::seconds refresh_before_expiry) {
  const auto lifetime = token.expires_on - obtained;
  const auto half_life = obtained + lifetime / 2;
  const auto before_expiry = token.expires_on - refresh_before_expiry;
  // A token shorter-lived than the margin would be "due" the moment it arrived and be
  // fetched on every call; half its lifetime is the sane point then.
  auto when = before_expiry > obtained ? std::min(before_expiry, half_life) : half_life;
  if (token.refresh_on && *token.refresh_on > obtained) when = std::min(when, *token.refresh_on);
  return when;
}

TokenCache::TokenCache(asio::any_io_executor executor, TokenSource& source, const core::Clock& clock,
                       core::UniformRandom random, log::Logger logger, metrics::AzureMetrics* metrics,
                       TokenCacheOptions options)
    : executor_(std::move(executor)),
      source_(source),
      clock_(clock),
      random_(std::move(random)),
      logger_(std::move(logger)),
      metrics_(metrics),
      options_(options) {}

TokenCache::~TokenCache() {
  for (auto& [scope, cached] : entries_) {
    if (cached.token) logger_.sink().redactor().remove(cached.token->token);
    if (cached.refreshed) cached.refreshed->cancel();
  }
}

TokenCache::Entry& TokenCache::entry(const std::string& scope) {
  auto found = entries_.find(scope);
  if (found == entries_.end())
    found = entries_.emplace(scope, Entry(core::Backoff(options_.failure_backoff, [this] { return random_(); }))).first;
  return found->second;
}

bool TokenCache::usable(const Entry& cached) const {
  return cached.token && clock_.now() + options_.minimum_validity < cached.token->expires_on;
}

void TokenCache::invalidate(const std::string& scope) {
  auto found = entries_.find(scope);
  if (found == entries_.end() || !found->second.token) return;
  // The value stays registered with the redactor: it may still sit in a request in flight.
  found->second.token.reset();
}

std::optional<core::WallTime> TokenCache::refresh_at(const std::string& scope) const {
  const auto found = entries_.find(scope);
  if (found == entries_.end() || !found->second.token) return std::nullopt;
  return found->second.refresh_at;
}

asio::awaitable<Expected<AccessToken, AzureError>> TokenCache::token(const std::string& scope) {
  for (;;) {
    auto& cached = entry(scope);
    const bool valid = usable(cached);
    if (valid && clock_.now() < cached.refresh_at) co_return *cached.token;
    if (cached.refreshing) {
      if (valid) co_return *cached.token;
      // Wait for the running fetch rather than starting a second one.
      auto signal = cached.refreshed;
      boost::system::error_code ignored;
      co_await signal->async_wait(asio::redirect_error(asio::use_awaitable, ignored));
      continue;
    }
    if (clock_.steady_now() < cached.retry_not_before) {
      if (valid) co_return *cached.token;
      if (cached.last_error) {
        AzureError error = *cached.last_error;
        error.retry_after = std::chrono::duration_cast<std::chrono::milliseconds>(cached.retry_not_before -
                                                                                  clock_.steady_now());
        co_return unexpected(std::move(error));
      }
    }
    co_return co_await refresh(scope);
  }
}

asio::awaitable<Expected<AccessToken, AzureError>> TokenCache::refresh(std::string scope) {
  {
    auto& cached = entry(scope);
    cached.refreshing = true;
    cached.refreshed = std::make_shared<asio::steady_timer>(executor_, asio::steady_timer::time_point::max());
  }
  // Whatever happens below, waiters must be released.
  struct Release {
    TokenCache& cache;
    const std::string& scope;
    ~Release() {
      auto& cached = cache.entry(scope);
      cached.refreshing = false;
      if (auto signal = std::move(cached.refreshed)) signal->cancel();
    }
  };
  Release release{*this, scope};

  const auto obtained = clock_.now();
  auto fetched = co_await source_.token(scope);
  auto& cached = entry(scope);  // std::map references stay valid across the suspension
  if (fetched) {
    if (metrics_) metrics_->count_token_refresh(true);
    logger_.sink().redactor().add(fetched->token);
    if (cached.token && cached.token->token != fetched->token) logger_.sink().redactor().remove(cached.token->token);
    cached.token = *fetched;
    cached.refresh_at = refresh_time(*fetched, obtained, options_.refresh_before_expiry);
    cached.last_error.reset();
    cached.backoff.reset();
    cached.retry_not_before = {};
    co_return std::move(*fetched);
  }
  if (metrics_) metrics_->count_token_refresh(false);
  const auto wait = cached.backoff.next();
  cached.retry_not_before = clock_.steady_now() + wait;
  cached.last_error = fetched.error();
  logger_.warn("access token fetch failed",
               {{"scope", scope}, {"error", fetched.error().to_string()}, {"retry_in_ms", wait.count()},
                {"have_valid_token", usable(cached)}});
  if (usable(cached)) co_return *cached.token;
  co_return unexpected(std::move(fetched).error());
}

}  // namespace aci::azure
