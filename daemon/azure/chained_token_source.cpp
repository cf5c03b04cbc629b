#include "daemon/azure/chained_token_source.hpp"

namespace aci::azure {

ChainedTokenSource::ChainedTokenSource(std::vector<Link> links, log::Logger logger)
    : links_(std::move(links)), logger_(std::move(logger)) {}

std::vector<std::string> ChainedTokenSource::names() const {
  std::vector<std::string> out;
  for (const auto& link : links_) out.push_back(link.name);
  return out;
}

std::string ChainedTokenSource::selected() const { return selected_ ? links_[*selected_].name : std::string(); }

boost::asio::awaitable<Expected<AccessToken, AzureError>> ChainedTokenSource::token(const std::string& scope) {
  if (selected_) co_return co_await links_[*selected_].source->token(scope);
  std::string tried;
  for (std::size_t i = 0; i < links_.size(); ++i) {
    auto result = co_await links_[i].source->token(scope);
    if (result) {
      if (!selected_) {
        selected_ = i;
        logger_.info("credential selected", {{"credential", links_[i].name}});
      }
      co_return result;
    }
    if (result.error().code != "CredentialUnavailable") co_return result;
    tried += (tried.empty() ? "" : "; ") + links_[i].name + ": " + result.error().message;
  }
  if (links_.empty()) tried = "no credential is configured";
  co_return unexpected(AzureError{AzureErrorKind::unauthorized, 0, "CredentialUnavailable",
                                  "no credential in the chain is available: " + tried, {}, {}});
}

}  // namespace aci::azure
