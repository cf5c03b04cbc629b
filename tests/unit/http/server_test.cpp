#include "daemon/http/server.hpp"

#include <gtest/gtest.h>

TEST(HttpServerTest, MakeResponseSetsStatusAndBody) {
  auto response = aci::http::make_response(404, "nope");
  EXPECT_EQ(response.result_int(), 404u);
  EXPECT_EQ(response.body(), "nope");
}
