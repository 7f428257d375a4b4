# The health endpoint only: what the sandbox's stand-in application server answers
# (`python3 -m http.server` serving /health), so a Locust run works on the sandbox out of the box.
from locust import HttpUser, constant, task


class HealthUser(HttpUser):
    wait_time = constant(0.01)

    @task
    def health(self):
        self.client.get("/health")
