# The trading API's read paths, for `vigil loadtest --runner locust --locustfile trading_api.py
# --host https://api.example`. Weights follow the trading backend's mix: mostly account and
# position reads, some order-book and instrument reads, the health check now and then. Names
# group the URLs with ids so each endpoint is one row in the report.
import random

from locust import HttpUser, between, task


class TradingApiUser(HttpUser):
    wait_time = between(0.05, 0.2)

    def account(self):
        # Busy accounts are few: an exponential skew over 10,000 accounts.
        return min(10000, 1 + int(random.expovariate(1 / 300)))

    @task(6)
    def account_summary(self):
        self.client.get(f"/api/accounts/{self.account()}", name="/api/accounts/[id]")

    @task(4)
    def positions(self):
        self.client.get(f"/api/accounts/{self.account()}/positions", name="/api/accounts/[id]/positions")

    @task(2)
    def order_book(self):
        symbol = random.choice(["AAPL", "MSFT", "NVDA", "AMZN", "TSLA", "META", "GOOG"])
        self.client.get(f"/api/instruments/{symbol}/book", name="/api/instruments/[symbol]/book")

    @task(1)
    def health(self):
        self.client.get("/health")
