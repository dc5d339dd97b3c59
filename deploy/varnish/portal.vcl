vcl 4.1;

# Varnish in front of the portal (gunicorn). The portal says what may be shared and for
# how long (Cache-Control: public, max-age=N; private otherwise: portal/http_cache.py);
# this file only makes anonymous requests alike so that they share copies:
# - a request with a session cookie (a signed-in NCP or staff), the messages cookie or an
#   Authorization header (an API key) goes to the portal, never to the cache;
# - other GET and HEAD requests keep only the language cookie, and Accept-Language is
#   reduced to "en" or "fr": the portal answers from the same reduced headers, and its
#   `Vary: Cookie, Accept-Language` keeps one copy per language, so no page in French
#   is served to an English visitor;
# - nothing without a Cache-Control from the portal is cached.
# Edit the backend to point at gunicorn. README, "Deploying the HTTP cache".

backend default {
    .host = "127.0.0.1";
    .port = "8000";
}

sub vcl_recv {
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.http.Authorization || req.http.Cookie ~ "(^|;\s*)(sessionid|messages)=") {
        return (pass);
    }
    if (req.http.Cookie ~ "(^|;\s*)django_language=(en|fr)(;|$)") {
        set req.http.Cookie = regsub(req.http.Cookie,
            "^.*?(?:^|;\s*)django_language=(en|fr)(?:;.*)?$", "django_language=\1");
    } else {
        unset req.http.Cookie;
    }
    if (req.url ~ "^/fr(/|$)" || req.url ~ "^/(api|static|feeds|calendar|admin|iati)/") {
        # The address says the language: the portal does not look at Accept-Language.
        unset req.http.Accept-Language;
    } elsif (req.http.Accept-Language) {
        # The first of en and fr named (browsers list their languages best first).
        set req.http.Accept-Language = regsub(req.http.Accept-Language,
            "^.*?(?:^|,)\s*(en|fr)(?:[-_;,\s].*)?$", "\1");
        if (req.http.Accept-Language !~ "^(en|fr)$") {
            unset req.http.Accept-Language;
        }
    }
    return (hash);
}

sub vcl_backend_response {
    if (!beresp.http.Cache-Control) {
        set beresp.ttl = 0s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    # No grace: a copy is never served past the lifetime the portal stated, so a change
    # shows within it (tests/portal/test_varnish.py). Misses of one address still wait
    # for one fetch (Varnish's request coalescing), so the portal is not stampeded.
    set beresp.grace = 0s;
    # Keep an expired copy a little longer: Varnish revalidates it with the portal's ETag
    # (a 304 costs the portal no rendering on the network, and the cache no bytes).
    set beresp.keep = 5m;
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "hit";
    } else {
        set resp.http.X-Cache = "miss";
    }
}
