// SPDX-License-Identifier: Apache-2.0
// URL query strings: `a=1&b=x%20y&b=z` -> ordered (key, value) pairs, keys may repeat.
#ifndef VOXFACE_TOOLS_SERVER_QUERY_H_
#define VOXFACE_TOOLS_SERVER_QUERY_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "voxface/status.h"

namespace voxface::server {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// Splits a request target into its path and the query after '?' ("" when none).
std::pair<std::string_view, std::string_view> SplitTarget(std::string_view target);

// Percent-decodes keys and values ('+' is a space, as HTML forms send it). A malformed escape
// is an error rather than passed through, so a typo never silently changes an option.
Result<QueryParams> ParseQuery(std::string_view query);

}  // namespace voxface::server

#endif  // VOXFACE_TOOLS_SERVER_QUERY_H_
